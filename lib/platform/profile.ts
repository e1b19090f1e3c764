import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

/** The defaults a profile sets; every one can still be overridden by a prop. */
export interface PlatformProfileProps {
  /** Short name, used in tags and stack names (`dev`, `prod`). */
  readonly name: string;
  /** What happens to data, keys and logs on stack deletion. */
  readonly removalPolicy: RemovalPolicy;
  /** Retention of CloudWatch log groups. */
  readonly logRetention: logs.RetentionDays;
  /** Stack termination protection. */
  readonly terminationProtection: boolean;
}

/**
 * A set of defaults for the whole platform. `DEV` keeps idle cost low and still exercises every part;
 * `PROD` keeps everything, protects the stack and is stricter.
 */
export class PlatformProfile {
  /** Small, cheap, still retains data unless the user opts in to destroy it. */
  public static readonly DEV = new PlatformProfile({
    name: 'dev',
    removalPolicy: RemovalPolicy.RETAIN,
    logRetention: logs.RetentionDays.ONE_YEAR,
    terminationProtection: false,
  });

  /** Multi-AZ capacity, retention of everything, termination protection. */
  public static readonly PROD = new PlatformProfile({
    name: 'prod',
    removalPolicy: RemovalPolicy.RETAIN,
    logRetention: logs.RetentionDays.ONE_YEAR,
    terminationProtection: true,
  });

  /** A profile of your own. */
  public static custom(props: PlatformProfileProps): PlatformProfile {
    return new PlatformProfile(props);
  }

  public readonly name: string;
  public readonly removalPolicy: RemovalPolicy;
  public readonly logRetention: logs.RetentionDays;
  public readonly terminationProtection: boolean;

  private constructor(props: PlatformProfileProps) {
    this.name = props.name;
    this.removalPolicy = props.removalPolicy;
    this.logRetention = props.logRetention;
    this.terminationProtection = props.terminationProtection;
  }
}
